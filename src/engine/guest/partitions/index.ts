export type { Partition, PartitionScheme, PartitionTable, ReadPartitionsOptions } from './partition-table';
export { readPartitions } from './read-partitions';
export { gptTypeName, mbrTypeName } from './partition-types';
