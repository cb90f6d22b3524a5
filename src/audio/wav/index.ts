/** WAV file I/O: read any common PCM/float/G.711 WAV, write whole files or stream them. */
export type { WavEncoding, WavFormat } from './format.js';
export { WAV_ENCODINGS } from './format.js';
export type { ResolvedWavWriteFormat, WavWriteFormat } from './header.js';
export type { ReadWavOptions, WavAudio, WavInfo } from './read.js';
export { readWav, readWavFile, readWavInfo, wavToInt16 } from './read.js';
export { decodeWavData, encodeWavData } from './samples.js';
export type { EncodeWavOptions } from './write.js';
export { encodeWav, writeWavFile } from './write.js';
export type { WavOutput } from './writer.js';
export { fileHandleOutput, WavWriter } from './writer.js';
