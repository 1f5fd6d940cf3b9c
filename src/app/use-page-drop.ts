import { useEffect, useState } from 'preact/hooks';
import type { NamedBlob } from '../engine/io/file-set';
import { collectDrop, dragHasFiles } from '../platform/drop';

/**
 * The whole page is the drop target, on every screen. Returns whether files are being dragged over it, so the
 * app can show the overlay. Disabled while a job runs.
 */
export function usePageDrop(enabled: boolean, onFiles: (files: Promise<NamedBlob[]>) => void): boolean {
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    if (!enabled) {
      setDragging(false);
      return;
    }
    // dragenter/dragleave fire for every child element crossed; count them to know when the drag left the page.
    let depth = 0;
    const enter = (event: DragEvent) => {
      if (!dragHasFiles(event.dataTransfer)) return;
      event.preventDefault();
      depth += 1;
      setDragging(true);
    };
    const over = (event: DragEvent) => {
      if (!dragHasFiles(event.dataTransfer)) return;
      // Without preventDefault on dragover the browser would open the file itself instead of dropping here.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      if (!event.dataTransfer || !dragHasFiles(event.dataTransfer)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      // collectDrop reads the items synchronously, before this handler returns.
      onFiles(collectDrop(event.dataTransfer));
    };
    document.addEventListener('dragenter', enter);
    document.addEventListener('dragover', over);
    document.addEventListener('dragleave', leave);
    document.addEventListener('drop', drop);
    return () => {
      document.removeEventListener('dragenter', enter);
      document.removeEventListener('dragover', over);
      document.removeEventListener('dragleave', leave);
      document.removeEventListener('drop', drop);
    };
  }, [enabled, onFiles]);

  return dragging;
}
