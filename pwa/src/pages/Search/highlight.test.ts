import { describe, expect, it } from 'vitest';
import { parseHighlight } from './highlight';

const plain = (html: string) => parseHighlight(html).map(({ text, mark }) => ({ text, mark }));

describe('parseHighlight', () => {
  it('splits marks from plain text and decodes the escapes', () => {
    expect(
      plain('Aula FISIP &amp; via <mark>Zoom</mark> &lt;b&gt;kuota &quot;300&quot; &#39;x&#39;'),
    ).toEqual([
      { text: 'Aula FISIP & via ', mark: false },
      { text: 'Zoom', mark: true },
      { text: ' <b>kuota "300" \'x\'', mark: false },
    ]);
  });

  it('keeps any other markup as literal text', () => {
    expect(plain('<b>tebal</b> <mark>kata</mark><script>x</script>')).toEqual([
      { text: '<b>tebal</b> ', mark: false },
      { text: 'kata', mark: true },
      { text: '<script>x</script>', mark: false },
    ]);
  });

  it('decodes once: an escaped entity stays an entity', () => {
    expect(plain('&amp;lt;')).toEqual([{ text: '&lt;', mark: false }]);
  });

  it('keys each segment by where it starts', () => {
    expect(parseHighlight('a <mark>b</mark> c').map((s) => s.at)).toEqual([0, 8, 16]);
  });
});
