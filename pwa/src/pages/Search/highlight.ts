// Highlighted text from the server (`titleHtml`, `snippetHtml`): everything HTML-escaped but
// `<mark>…</mark>` around the matches. Parsed into plain segments here and rendered as text
// nodes, so nothing from a request's text is ever interpreted as markup.

export interface Segment {
  text: string;
  mark: boolean;
  /** Where the segment starts in the highlighted text: a stable key. */
  at: number;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

function decode(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);
}

/** Splits highlighted HTML into marked and unmarked text; any other tag stays literal text. */
export function parseHighlight(html: string): Segment[] {
  const segments: Segment[] = [];
  let mark = false;
  let at = 0;
  for (const part of html.split(/(<\/?mark>)/)) {
    if (part === '<mark>') mark = true;
    else if (part === '</mark>') mark = false;
    else if (part !== '') segments.push({ text: decode(part), mark, at });
    at += part.length;
  }
  return segments;
}
