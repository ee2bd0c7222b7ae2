import { describe, expect, it } from 'vitest';
import { diffWords, hasChanges, tokenize } from './diff';

const side = (parts: ReturnType<typeof diffWords>, keep: 'added' | 'removed') =>
  parts
    .filter((p) => p.op === 'same' || p.op === keep)
    .map((p) => p.text)
    .join('');

describe('diffWords', () => {
  it('finds nothing between equal texts', () => {
    expect(diffWords('Dies Natalis ke-62', 'Dies Natalis ke-62')).toEqual([
      { op: 'same', text: 'Dies Natalis ke-62' },
    ]);
  });

  it('marks a replaced word', () => {
    expect(diffWords('pada Senin pagi', 'pada Selasa pagi')).toEqual([
      { op: 'same', text: 'pada ' },
      { op: 'removed', text: 'Senin' },
      { op: 'added', text: 'Selasa' },
      { op: 'same', text: ' pagi' },
    ]);
  });

  it('marks inserted and deleted words', () => {
    const parts = diffWords('upacara di Gedung Soetardjo', 'upacara resmi di Gedung');
    expect(parts.filter((p) => p.op === 'added').map((p) => p.text.trim())).toEqual(['resmi']);
    expect(parts.filter((p) => p.op === 'removed').map((p) => p.text.trim())).toEqual([
      'Soetardjo',
    ]);
  });

  it('rebuilds both sides exactly', () => {
    const before = 'Calon mahasiswa baru wajib melakukan registrasi ulang pada 2–6 Desember.';
    const after =
      'Calon  mahasiswa baru jalur mandiri wajib registrasi ulang daring pada 2–6 Desember 2026.';
    const parts = diffWords(before, after);
    expect(side(parts, 'removed')).toBe(before);
    expect(side(parts, 'added')).toBe(after);
  });

  it('handles empty sides', () => {
    expect(diffWords('', 'baru')).toEqual([{ op: 'added', text: 'baru' }]);
    expect(diffWords('lama', '')).toEqual([{ op: 'removed', text: 'lama' }]);
    expect(diffWords('', '')).toEqual([]);
  });

  it('keeps whitespace as tokens', () => {
    expect(tokenize('a  b\nc')).toEqual(['a', '  ', 'b', '\n', 'c']);
  });

  it('tells whether anything but outer whitespace changed', () => {
    expect(hasChanges(' teks ', 'teks')).toBe(false);
    expect(hasChanges('teks', 'teks baru')).toBe(true);
  });
});
