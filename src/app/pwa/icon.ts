import { encodePng } from './png';

/**
 * The app icon, drawn from a few shapes on a 512-unit grid: a ferry hull carrying a box (the appliance) over a
 * water line. The same shapes give the SVG icon and the PNG sizes, so nothing binary lives in git.
 * The content stays inside the central 80 % circle, so the full-bleed variant works as a maskable icon.
 */
type Shape =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; r: number; fill: string }
  | { kind: 'polygon'; points: [number, number][]; fill: string };

export const ICON_COLOURS = { background: '#1b5e8c', foreground: '#ffffff', water: '#8cc8ef' } as const;

const GRID = 512;

function shapes(maskable: boolean): Shape[] {
  const { background, foreground, water } = ICON_COLOURS;
  return [
    { kind: 'rect', x: 0, y: 0, w: GRID, h: GRID, r: maskable ? 0 : 96, fill: background },
    // The appliance: a box with two drive bays.
    { kind: 'rect', x: 176, y: 150, w: 160, h: 130, r: 14, fill: foreground },
    { kind: 'rect', x: 200, y: 178, w: 112, h: 20, r: 6, fill: background },
    { kind: 'rect', x: 200, y: 216, w: 112, h: 20, r: 6, fill: background },
    // The hull.
    { kind: 'polygon', points: [[120, 296], [392, 296], [352, 352], [160, 352]], fill: foreground },
    // The water line.
    { kind: 'rect', x: 112, y: 372, w: 288, h: 18, r: 9, fill: water },
  ];
}

export function iconSvg(maskable = false): string {
  const body = shapes(maskable)
    .map((shape) =>
      shape.kind === 'rect'
        ? `<rect x="${shape.x}" y="${shape.y}" width="${shape.w}" height="${shape.h}" rx="${shape.r}" fill="${shape.fill}"/>`
        : `<polygon points="${shape.points.map((p) => p.join(',')).join(' ')}" fill="${shape.fill}"/>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${GRID} ${GRID}">${body}</svg>\n`;
}

/** Rasterises the icon at `size` pixels, with 4×4 supersampling for smooth edges. */
export function iconPng(size: number, maskable = false): Promise<Uint8Array> {
  const list = shapes(maskable).map((shape) => ({ shape, rgb: parseHex(shape.fill) }));
  const rgba = new Uint8Array(size * size * 4);
  const samples = 4;
  const scale = GRID / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) * scale;
          const y = (py + (sy + 0.5) / samples) * scale;
          let hit: [number, number, number] | null = null;
          for (const { shape, rgb } of list) if (contains(shape, x, y)) hit = rgb;
          if (hit) {
            r += hit[0];
            g += hit[1];
            b += hit[2];
            a += 1;
          }
        }
      }
      const at = (py * size + px) * 4;
      if (a > 0) {
        rgba[at] = Math.round(r / a);
        rgba[at + 1] = Math.round(g / a);
        rgba[at + 2] = Math.round(b / a);
        rgba[at + 3] = Math.round((255 * a) / (samples * samples));
      }
    }
  }
  return encodePng(size, size, rgba);
}

function contains(shape: Shape, x: number, y: number): boolean {
  if (shape.kind === 'polygon') return insidePolygon(shape.points, x, y);
  const { x: left, y: top, w, h, r } = shape;
  if (x < left || x > left + w || y < top || y > top + h) return false;
  // Outside the rounded corners: farther than r from the nearest corner centre.
  const cx = Math.min(Math.max(x, left + r), left + w - r);
  const cy = Math.min(Math.max(y, top + r), top + h - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Even-odd ray casting. */
function insidePolygon(points: [number, number][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i]!;
    const [xj, yj] = points[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function parseHex(colour: string): [number, number, number] {
  const n = Number.parseInt(colour.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}
