import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { EncryptionCodec, isEncrypted, PayloadDecryptionError, payloadKeyId } from './encryption-codec.js';
import { generateKeyEntry, parseKeyRing } from './key-ring.js';

const keyA = generateKeyEntry('key-a');
const keyB = generateKeyEntry('key-b');
const patient = { name: 'Ioana Popescu', email: 'ioana.popescu@example.ro', phone: '+40 721 000 111', notes: 'alergic la iod' };
const payloadOf = (value: unknown): Payload => defaultPayloadConverter.toPayload(value)!;
const contains = (p: Payload, needle: string) => Buffer.from(p.data!).includes(Buffer.from(needle));

describe('the encryption codec', () => {
  const codec = new EncryptionCodec(parseKeyRing(keyA));

  it('seals a payload so none of its content is readable, and opens it again', async () => {
    const plain = payloadOf(patient);
    const [sealed] = await codec.encode([plain]);
    expect(isEncrypted(sealed!)).toBe(true);
    expect(payloadKeyId(sealed!)).toBe('key-a');
    for (const value of Object.values(patient)) expect(contains(sealed!, value)).toBe(false);
    expect(Buffer.from(sealed!.metadata!.encoding!).toString()).toBe('binary/encrypted');
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(patient);
    expect(Buffer.from(opened!.metadata!.encoding!).toString()).toBe('json/plain');
  });

  it('uses a fresh IV each time: the same value never seals to the same bytes', async () => {
    const [x, y] = await codec.encode([payloadOf(patient), payloadOf(patient)]);
    expect(Buffer.from(x!.data!).equals(Buffer.from(y!.data!))).toBe(false);
  });

  it('passes plain payloads (written before encryption) through unchanged', async () => {
    const plain = payloadOf(patient);
    const [out] = await codec.decode([plain]);
    expect(out).toBe(plain);
  });

  it('rotation: a ring [B, A] reads A and B, and seals with B', async () => {
    const [underA] = await codec.encode([payloadOf(patient)]);
    const rotated = new EncryptionCodec(parseKeyRing(`${keyB}\n${keyA}`));
    const [underB] = await rotated.encode([payloadOf(patient)]);
    expect(payloadKeyId(underB!)).toBe('key-b');
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([underA!]))[0]!)).toEqual(patient);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([underB!]))[0]!)).toEqual(patient);
  });

  it('a missing key or wrong key material is a clear error, never a guess at the plaintext', async () => {
    const [underB] = await new EncryptionCodec(parseKeyRing(keyB)).encode([payloadOf(patient)]);
    const unknown = await codec.decode([underB!]).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(PayloadDecryptionError);
    expect(unknown).toMatchObject({ reason: 'unknown_key', keyId: 'key-b' });
    // Same id, other key material.
    const impostor = new EncryptionCodec(parseKeyRing(`key-b:${keyA.split(':')[1]}`));
    const wrong = await impostor.decode([underB!]).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ reason: 'decryption_failed', keyId: 'key-b' });
    expect(String((wrong as Error).message)).not.toContain('Ioana');
  });

  it('altered ciphertext or a payload moved under another key id fails authentication', async () => {
    const both = new EncryptionCodec(parseKeyRing(`${keyA}\nkey-c:${keyA.split(':')[1]}`));
    const [sealed] = await both.encode([payloadOf(patient)]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(both.decode([{ ...sealed!, data: flipped }])).rejects.toMatchObject({ reason: 'decryption_failed' });
    const moved = { ...sealed!, metadata: { ...sealed!.metadata, 'encryption-key-id': Buffer.from('key-c') } };
    await expect(both.decode([moved])).rejects.toMatchObject({ reason: 'decryption_failed' });
    await expect(both.decode([{ ...sealed!, data: new Uint8Array(5) }])).rejects.toMatchObject({ reason: 'decryption_failed' });
  });
});
