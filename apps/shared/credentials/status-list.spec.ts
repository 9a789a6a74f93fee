import { bitAt, decodeStatusList, encodeStatusList, STATUS_LIST_SIZE, statusPosition } from './status-list';

describe('Bitstring Status List', () => {
  it('gives every certificate its own position, scattered over the list', () => {
    const seen = new Set<number>();
    for (let n = 0; n < STATUS_LIST_SIZE; n++) {
      const { list, index } = statusPosition(n);
      expect(list).toBe(1);
      seen.add(index);
    }
    expect(seen.size).toBe(STATUS_LIST_SIZE);
    expect(statusPosition(STATUS_LIST_SIZE)).toMatchObject({ list: 2 });
    const first = [0, 1, 2, 3].map((n) => statusPosition(n).index);
    expect(Math.abs(first[1] - first[0])).toBeGreaterThan(1000);
  });

  it('encodes bit 0 as the most significant bit of the first byte, gzipped, multibase u', () => {
    const encoded = encodeStatusList([0, 9, STATUS_LIST_SIZE - 1]);
    expect(encoded.startsWith('u')).toBe(true);
    const bytes = decodeStatusList(encoded);
    expect(bytes.length).toBe(STATUS_LIST_SIZE / 8);
    expect(bytes[0]).toBe(0x80);
    expect(bytes[1]).toBe(0x40);
    expect(bitAt(bytes, 9)).toBe(true);
    expect(bitAt(bytes, 10)).toBe(false);
    expect(bitAt(bytes, STATUS_LIST_SIZE - 1)).toBe(true);
    // An empty list of 16 KB compresses to a few dozen bytes.
    expect(encodeStatusList([]).length).toBeLessThan(100);
  });
});
