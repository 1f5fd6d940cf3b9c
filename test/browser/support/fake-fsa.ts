import type { Writable } from '../../../workers/writable-sink';

/**
 * File System Access handles with the contract the worker relies on, for tests without a browser. A file: its
 * writable's writes go to a swap copy that `close()` commits and `abort()` drops.
 */
export class FakeFile {
  committed: Uint8Array | null = null;
  writes = 0;
  /** Positional writes (a disk writer's single pass patching its tables). */
  patches = 0;
  aborted = false;
  constructor(readonly name: string) {}
  async createWritable(): Promise<FileSystemWritableFileStream> {
    let swap = new Uint8Array(0);
    let cursor = 0;
    const put = (position: number, data: Uint8Array) => {
      if (position + data.length > swap.length) {
        const grown = new Uint8Array(Math.max(position + data.length, swap.length * 2));
        grown.set(swap);
        swap = grown;
      }
      swap.set(data, position);
      this.size = Math.max(this.size, position + data.length);
    };
    const writable: Writable = {
      write: async (command) => {
        this.writes++;
        if (command instanceof Uint8Array) {
          put(cursor, command);
          cursor += command.length;
        } else if (command.type === 'write') {
          put(command.position, command.data);
          cursor = command.position + command.data.length;
          this.patches++;
        } else {
          cursor = command.position;
        }
      },
      close: async () => {
        this.committed = Buffer.from(swap.subarray(0, this.size));
      },
      abort: async () => {
        this.aborted = true;
        swap = new Uint8Array(0);
      },
    };
    return writable as unknown as FileSystemWritableFileStream;
  }
  private size = 0;
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
