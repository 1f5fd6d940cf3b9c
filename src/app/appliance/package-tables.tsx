import type { DiskImageReport, FileReport, NetworkReport } from '../../engine/appliance/report';
import { Bytes } from '../components/bytes';
import { Table } from '../components/table';
import { orDash } from '../format';

/** What the package as a whole holds: networks, files, and the disk images found by content. */
export function NetworksTable({ networks }: { networks: NetworkReport[] }) {
  return (
    <Table
      caption="Networks"
      empty="none declared"
      rows={networks}
      columns={[
        { label: 'Name', cell: (n) => n.name },
        { label: 'Description', cell: (n) => orDash(n.description) },
      ]}
    />
  );
}

export function FilesTable({ files }: { files: FileReport[] }) {
  return (
    <Table
      caption="Files"
      empty="none"
      rows={files}
      columns={[
        { label: 'Name', cell: (f) => f.name },
        { label: 'Size', numeric: true, cell: (f) => <FileSize file={f} /> },
        { label: 'Role', cell: (f) => f.role },
        {
          label: 'Present',
          cell: (f) => (f.present ? 'present' : <strong class="bad">missing</strong>),
        },
        {
          label: 'Compression',
          cell: (f) => [f.compression ?? 'none', f.chunks > 0 ? `, ${f.chunks} chunks` : ''].join(''),
        },
      ]}
    />
  );
}

function FileSize({ file }: { file: FileReport }) {
  const differs = file.size !== null && file.declaredSize !== null && file.size !== file.declaredSize;
  return (
    <>
      <Bytes value={file.size ?? file.declaredSize} />
      {differs && (
        <span class="bad">
          {' '}
          (declared <Bytes value={file.declaredSize} />)
        </span>
      )}
    </>
  );
}

export function DiskImagesTable({ images }: { images: DiskImageReport[] }) {
  return (
    <Table
      caption="Disk images"
      empty="none found"
      rows={images}
      columns={[
        { label: 'File', cell: (d) => d.file },
        { label: 'Format', cell: (d) => (d.subformat ? `${d.format} (${d.subformat})` : d.format) },
        { label: 'Virtual size', numeric: true, cell: (d) => <Bytes value={d.virtualSizeBytes} /> },
        { label: 'Holds data', numeric: true, cell: (d) => <Bytes value={d.allocatedBytes} /> },
        { label: 'File size', numeric: true, cell: (d) => <Bytes value={d.fileSizeBytes} /> },
        { label: 'Compression', cell: (d) => d.compression ?? 'none' },
        { label: 'Layers', cell: (d) => <ChainCell image={d} /> },
      ]}
    />
  );
}

/** A snapshot chain, top first, with what each layer costs on disk; or why the disk cannot be read. */
function ChainCell({ image }: { image: DiskImageReport }) {
  if (image.problem) return <span class="bad">{image.problem}</span>;
  if (image.chain.length <= 1) return <>standalone</>;
  return (
    <ol class="chain">
      {image.chain.map((layer) => (
        <li key={layer.file}>
          {layer.file} ({layer.format}
          {layer.subformat ? ` ${layer.subformat}` : ''}, <Bytes value={layer.storedBytes} /> on disk)
        </li>
      ))}
    </ol>
  );
}
