import { writeZeros, type ByteSink } from '../../io/byte-sink';

const BATCH = 1024 * 1024;

/**
 * Gathers the many small pieces a VMDK writer emits (512-byte markers, 2 KiB grain tables, compressed grains)
 * into 1 MiB writes, and keeps the output position, which grain tables record in sectors.
 */
export class SectorOutput {
  /** Bytes emitted so far (written or waiting in the batch). */
  position = 0;
  private batch = new Uint8Array(BATCH);
  private filled = 0;

  constructor(private readonly sink: ByteSink) {}

  get sector(): number {
    return this.position / 512;
  }

  async push(bytes: Uint8Array): Promise<void> {
    if (this.filled + bytes.length > BATCH) await this.flush();
    if (bytes.length >= BATCH) {
      await this.sink.write(bytes);
    } else {
      this.batch.set(bytes, this.filled);
      this.filled += bytes.length;
    }
    this.position += bytes.length;
  }

  /** Zeros up to the next multiple of 512 bytes. */
  async padToSector(): Promise<void> {
    const remainder = this.position % 512;
    if (remainder !== 0) await this.push(new Uint8Array(512 - remainder));
  }

  /** `length` zero bytes: a hole where the sink can leave one. */
  async zeros(length: number): Promise<void> {
    if (length <= 0) return;
    if (length < 64 * 1024) return this.push(new Uint8Array(length));
    await this.flush();
    await writeZeros(this.sink, length);
    this.position += length;
  }

  async flush(): Promise<void> {
    if (this.filled === 0) return;
    const full = this.batch.subarray(0, this.filled);
    // The sink may hold on to what it is given until its write settles, so each batch is a fresh buffer.
    this.batch = new Uint8Array(BATCH);
    this.filled = 0;
    await this.sink.write(full);
  }
}
