// Work done before the next frame, when the browser has laid out the update: render the rows
// that scrolled into view of a virtualized table, draw the sparklines in view, notice a theme
// change (VS Code rewrites the root style and the body's vscode-* classes).
import type { ChartSync } from './chartSync';
import type { Metrics } from './metrics';
import type { TableRenderer, Viewport } from './table';

/** Rows above and below the visible ones whose sparklines are drawn too. */
const SPARK_MARGIN = 10;

export class Frames {
  private queued = false;
  /** The table was scrolled or resized: render the rows now in view before the next frame. */
  private windowDirty = false;
  private themeKey = '';

  constructor(
    private readonly nextFrame: (cb: () => void) => void,
    private readonly table: TableRenderer,
    private readonly metrics: Metrics,
    private readonly charts: ChartSync,
    private readonly root: HTMLElement,
  ) {}

  /** The body rows in view, for the table's window (read before the DOM is written). */
  viewport(): Viewport {
    return { first: this.metrics.firstVisibleRow(), count: this.metrics.pageRows() + 1 };
  }

  /** Render the rows now in view of a virtualized table (after a scroll, a resize, a jump). */
  updateWindow(): void {
    this.table.setRowHeight(this.metrics.rowHeight());
    this.table.scrolled(this.viewport());
  }

  /** Draw the sparklines of the rows in view (and a margin) whose figures changed. */
  paintSparks(): number {
    const first = this.metrics.firstVisibleRow();
    const page = this.metrics.pageRows();
    return this.charts.paint(this.table.sparkTargets(first - SPARK_MARGIN, first + page + SPARK_MARGIN), this.root);
  }

  /** The window moved or changed size: its rows are rendered before the next frame. */
  moved(): void {
    this.windowDirty = true;
    this.queue();
  }

  /** Draw the sparklines before the next frame (finding the rows in view then forces no extra layout). */
  queue(): void {
    if (this.queued) return;
    this.queued = true;
    this.nextFrame(() => {
      this.queued = false;
      if (this.windowDirty) {
        this.windowDirty = false;
        this.updateWindow();
      }
      this.paintSparks();
    });
  }

  /** Whether the theme changed since last asked (then every canvas is drawn again). */
  themeChanged(doc: Document): boolean {
    const key = `${doc.documentElement.getAttribute('style') ?? ''}|${Array.from(doc.body.classList)
      .filter((c) => c.startsWith('vscode'))
      .join(' ')}`;
    if (key === this.themeKey) return false;
    this.themeKey = key;
    this.windowDirty = true;
    this.charts.themeChanged();
    this.queue();
    return true;
  }
}

/** Listen to the window: host messages, resizes and theme changes. Returns what undoes it. */
export function listenToWindow(doc: Document, on: { message(data: unknown): void; resize(): void; theme(): void }): () => void {
  const win = doc.defaultView;
  if (!win) return () => {};
  const onMessage = (e: MessageEvent) => on.message(e.data);
  const onResize = () => on.resize();
  win.addEventListener('message', onMessage);
  win.addEventListener('resize', onResize);
  let mo: MutationObserver | null = null;
  if (typeof win.MutationObserver === 'function') {
    on.theme();
    mo = new win.MutationObserver(() => on.theme());
    mo.observe(doc.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    mo.observe(doc.body, { attributes: true, attributeFilter: ['class'] });
  }
  return () => {
    win.removeEventListener('message', onMessage);
    win.removeEventListener('resize', onResize);
    mo?.disconnect();
  };
}
