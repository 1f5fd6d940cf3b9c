import type { Writable } from '../../../workers/writable-sink';

/**
 * File System Access handles with the contract the worker relies on, for tests without a browser. A file: its
 * writable's writes go to a swap copy that `close()` commits and `abort()` drops.
 */
export class FakeFile {
  committed: Uint8Array | null = null;
  writes = 0;
  aborted = false;
  constructor(readonly name: string) {}
  async createWritable(): Promise<FileSystemWritableFileStream> {
    const swap: Uint8Array[] = [];
    const writable: Writable = {
      write: async (data) => {
        this.writes++;
        swap.push(data.slice());
      },
      close: async () => {
        this.committed = Buffer.concat(swap);
      },
      abort: async () => {
        this.aborted = true;
        swap.length = 0;
      },
    };
    return writable as unknown as FileSystemWritableFileStream;
  }
}

export class FakeFolder {
  files = new Map<string, FakeFile>();
  async getFileHandle(name: string, options: { create: boolean }) {
    if (!options.create && !this.files.has(name)) throw new DOMException('missing', 'NotFoundError');
    const file = this.files.get(name) ?? new FakeFile(name);
    this.files.set(name, file);
    return file;
  }
  async removeEntry(name: string) {
    this.files.delete(name);
  }
}
