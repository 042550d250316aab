import type { ImagePart } from '../../canonical/index.js';
import { parseDataUrl } from './parse-data-url.js';

/**
 * Media conventions Chat Completions and Responses share, whatever field the content part keeps
 * them in.
 */

/** Both APIs carry inline images as `data:` URLs; the canonical part holds those as base64 instead. */
export function imagePartFromUrl(url: string, detail: string | undefined): ImagePart {
  const inline = parseDataUrl(url);
  const image: ImagePart = {
    type: 'image',
    source: inline ? { kind: 'base64', mediaType: inline.mediaType, data: inline.data } : { kind: 'url', url },
  };
  if (detail !== undefined) image.detail = detail;
  return image;
}

/**
 * `file_data` is a data URL or bare base64. Bare base64 carries no media type, so a `.pdf` filename
 * is the only hint; without one the bytes stay opaque.
 */
export function decodeFileData(fileData: string, filename: string | undefined): { mediaType: string; data: string } {
  const inline = parseDataUrl(fileData);
  if (inline) return { mediaType: inline.mediaType, data: inline.data };
  return { mediaType: filename?.toLowerCase().endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream', data: fileData };
}
