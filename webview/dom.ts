// Small DOM writes that change nothing when nothing changed (no needless style or layout work).
// Text only ever goes in through textContent / Text nodes, never as HTML.

/** Sets an element's text, rewriting its text node in place (no new node for the browser to style and lay out). */
export function setText(node: Node, s: string): void {
  const t = node.firstChild;
  if (t !== null && t === node.lastChild && t.nodeType === 3) {
    if ((t as Text).data !== s) (t as Text).data = s;
  } else if (node.textContent !== s) node.textContent = s;
}

export function setAttr(e: Element, name: string, value: string): void {
  if (e.getAttribute(name) !== value) e.setAttribute(name, value);
}

/** One div per line under parent, reusing the existing ones. */
export function syncLines(parent: HTMLElement, lines: readonly string[]): void {
  while (parent.children.length > lines.length) parent.lastElementChild?.remove();
  lines.forEach((line, i) => {
    let div = parent.children[i] as HTMLElement | undefined;
    if (!div) {
      div = parent.ownerDocument.createElement('div');
      parent.append(div);
    }
    setText(div, line);
  });
}

/** A piece of a line: its text and its tooltip ('' = none). */
export interface Piece {
  text: string;
  title: string;
}

/** One div per line and one span per piece under parent, reusing the existing ones. */
export function syncPieces(parent: HTMLElement, lines: readonly (readonly Piece[])[]): void {
  while (parent.children.length > lines.length) parent.lastElementChild?.remove();
  lines.forEach((pieces, i) => {
    let div = parent.children[i] as HTMLElement | undefined;
    if (!div) {
      div = parent.ownerDocument.createElement('div');
      parent.append(div);
    }
    while (div.children.length > pieces.length) div.lastElementChild?.remove();
    pieces.forEach((p, j) => {
      let span = div.children[j] as HTMLElement | undefined;
      if (!span) {
        span = parent.ownerDocument.createElement('span');
        div.append(span);
      }
      setText(span, p.text);
      if (p.title) setAttr(span, 'title', p.title);
      else if (span.hasAttribute('title')) span.removeAttribute('title');
    });
  });
}
