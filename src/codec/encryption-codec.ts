/**
 * AES-256-GCM payload codec: every payload the service hands to Temporal is sealed before it
 * leaves the process, so the server, its database and everyone who reads a history see only
 * ciphertext. The whole Payload (metadata and data) is serialised and encrypted; the outer
 * payload says only `binary/encrypted` and the id of the key, which lets a ring of keys
 * decrypt histories written under older keys.
 *
 * Layout of `data`: 12-byte IV ‖ ciphertext ‖ 16-byte tag. The key id is authenticated too
 * (additional data), so moving a payload under another id fails instead of decrypting.
 * A payload without the encryption metadata (written before this codec existed) is passed
 * through unchanged, so older bookings keep running.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRing } from './key-ring.js';

// A CommonJS module: under plain Node ESM only its default export is there.
const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array | null | undefined): string | undefined => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

/** Why a payload could not be decrypted; never carries any of the payload's content. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
  constructor(
    readonly reason: 'unknown_key' | 'decryption_failed',
    message: string,
    readonly keyId: string | undefined,
  ) {
    super(message);
  }
}

export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

/** The id of the key a payload was sealed with, or undefined for a plain payload. */
export function payloadKeyId(payload: Payload): string | undefined {
  return isEncrypted(payload) ? text(payload.metadata?.[KEY_ID_METADATA]) : undefined;
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly ring: KeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.seal(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.open(p));
  }

  seal(payload: Payload): Payload {
    const { id, key } = this.ring.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(utf8.encode(id));
    const plain = PayloadMessage.encode(payload).finish();
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: utf8.encode(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: utf8.encode(id),
        [CIPHER_METADATA]: utf8.encode(CIPHER),
      },
      data: sealed,
    };
  }

  open(payload: Payload): Payload {
    if (!isEncrypted(payload)) return payload;
    const id = payloadKeyId(payload);
    const entry = id === undefined ? undefined : this.ring.byId.get(id);
    if (!entry) {
      throw new PayloadDecryptionError('unknown_key', `the payload is encrypted with key "${id ?? '(none)'}", which is not in this key ring`, id);
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    const failed = () =>
      new PayloadDecryptionError('decryption_failed', `the payload could not be decrypted with key "${entry.id}" (wrong key material or altered data)`, entry.id);
    if (data.length < IV_BYTES + TAG_BYTES) throw failed();
    try {
      const decipher = createDecipheriv('aes-256-gcm', entry.key, data.subarray(0, IV_BYTES));
      decipher.setAAD(utf8.encode(entry.id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      const decoded = PayloadMessage.decode(plain);
      return { metadata: decoded.metadata ?? {}, data: decoded.data ?? new Uint8Array() };
    } catch {
      throw failed();
    }
  }
}
