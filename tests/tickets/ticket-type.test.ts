import { sniffTicketType } from '../../src/tickets/ticket-type';
import { EXE, JPEG, PDF, PNG, WEBP } from './ticket-files';

describe('a ticket file type, read from its bytes', () => {
  it.each([
    ['a JPEG', JPEG, 'image/jpeg'],
    ['a PNG', PNG, 'image/png'],
    ['a WebP', WEBP, 'image/webp'],
    ['a PDF', PDF, 'application/pdf'],
  ])('knows %s', (_, bytes, type) => {
    expect(sniffTicketType(bytes)).toBe(type);
  });

  it.each([
    ['a Windows executable', EXE],
    ['a WAV (RIFF but not WEBP)', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt ')])],
    ['a RIFF header cut short', Buffer.from('RIFF\0\0\0\0WEB')],
    ['a PNG signature cut short', PNG.subarray(0, 7)],
    ['plain text', Buffer.from('hello, this is my ticket')],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s', (_, bytes) => {
    expect(sniffTicketType(bytes)).toBeUndefined();
  });
});
