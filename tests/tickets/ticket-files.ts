// Small files with the first bytes of each format, and one that is none of them.

const withFiller = (head: Buffer, size = 2048): Buffer => Buffer.concat([head, Buffer.alloc(size - head.length, 0x2a)]);

export const JPEG = withFiller(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]));
export const PNG = withFiller(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
export const WEBP = withFiller(
  Buffer.concat([Buffer.from('RIFF'), Buffer.from([0xf8, 0x07, 0, 0]), Buffer.from('WEBPVP8 ')]),
);
export const PDF = withFiller(Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'));
/** A Windows executable: "MZ", then the DOS stub. */
export const EXE = withFiller(Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'));
