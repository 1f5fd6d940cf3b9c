import type { VirtualSystemReport } from '../../engine/appliance/report';
import { Table } from '../components/table';
import { orDash } from '../format';

/** Product sections, the licence (EULA), the annotation and deployment options, where the descriptor has them. */
export function ProductInfo({ system }: { system: VirtualSystemReport }) {
  const { product, eula, annotation, deploymentOptions } = system;
  if (product.length === 0 && eula.length === 0 && !annotation && deploymentOptions.length === 0) return null;
  return (
    <div class="product-info">
      {product.map((section, index) => (
        <div class="product">
          <h4>{[section.vendor, section.product].filter(Boolean).join(' ') || `Product section ${index + 1}`}</h4>
          {(section.version || section.fullVersion) && (
            <p>
              Version {orDash(section.version)}
              {section.fullVersion && section.fullVersion !== section.version ? ` (${section.fullVersion})` : ''}
            </p>
          )}
          {section.properties.length > 0 && (
            <Table
              caption="Properties"
              rows={section.properties}
              columns={[
                { label: 'Key', cell: (p) => <code>{p.key}</code> },
                { label: 'Label', cell: (p) => orDash(p.label) },
                { label: 'Type', cell: (p) => orDash(p.type) },
                { label: 'Value', cell: (p) => orDash(p.value) },
              ]}
            />
          )}
        </div>
      ))}
      {annotation && (
        <div class="annotation">
          <h4>Annotation</h4>
          <p class="preformatted">{annotation}</p>
        </div>
      )}
      {eula.map((text, index) => (
        <div class="eula">
          <h4 id={`eula-${system.id}-${index}`}>{eula.length > 1 ? `Licence agreement ${index + 1}` : 'Licence agreement'}</h4>
          <div class="eula-text preformatted" tabIndex={0} role="region" aria-labelledby={`eula-${system.id}-${index}`}>
            {text}
          </div>
        </div>
      ))}
      {deploymentOptions.length > 0 && (
        <Table
          caption="Deployment options"
          rows={deploymentOptions}
          columns={[
            { label: 'Option', cell: (o) => <code>{o.id}</code> },
            { label: 'Label', cell: (o) => o.label },
            { label: 'Default', cell: (o) => (o.isDefault ? 'yes' : '') },
          ]}
        />
      )}
    </div>
  );
}
