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

/** Exactly `n` element children of parent, the existing ones reused, new ones made as `tag`. */
function childrenOf(parent: HTMLElement, n: number, tag: string): HTMLElement[] {
  while (parent.children.length > n) parent.lastElementChild?.remove();
  while (parent.children.length < n) parent.append(parent.ownerDocument.createElement(tag));
  return [...parent.children] as HTMLElement[];
}

/** One div per line under parent, reusing the existing ones. */
export function syncLines(parent: HTMLElement, lines: readonly string[]): void {
  childrenOf(parent, lines.length, 'div').forEach((div, i) => setText(div, lines[i]));
}

/** A piece of a line: its text and its tooltip ('' = none). */
export interface Piece {
  text: string;
  title: string;
}

/** One div per line and one span per piece under parent, reusing the existing ones. */
export function syncPieces(parent: HTMLElement, lines: readonly (readonly Piece[])[]): void {
  childrenOf(parent, lines.length, 'div').forEach((div, i) => {
    if (div.childNodes.length !== div.children.length) div.replaceChildren(); // text of a syncLines
    const pieces = lines[i];
    childrenOf(div, pieces.length, 'span').forEach((span, j) => {
      const p = pieces[j];
      setText(span, p.text);
      if (p.title) setAttr(span, 'title', p.title);
      else if (span.hasAttribute('title')) span.removeAttribute('title');
    });
  });
}

/** A plain close button (not a vscode-button: it sits in a line of text). */
export function closeButton(doc: Document, o: { text: string; title: string; label: string; className?: string; id?: string }): HTMLButtonElement {
  const b = doc.createElement('button');
  b.type = 'button';
  if (o.className) b.className = o.className;
  if (o.id) b.id = o.id;
  b.textContent = o.text;
  b.title = o.title;
  b.setAttribute('aria-label', o.label);
  return b;
}
