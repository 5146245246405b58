/**
 * UTF-8 encoding of string writes and separators, through one shared TextEncoder created on
 * first use (module top levels stay inert).
 *
 * @module
 */

let encoder: { encode(text: string): Uint8Array } | null = null;

/** @internal The UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  encoder ??= new TextEncoder();
  return encoder.encode(text);
}
