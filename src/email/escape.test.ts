import { describe, expect, it } from 'vitest';
import { escapeHtml } from './escape.js';

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<script>alert(1)</script> & "q" 'a'`)).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;',
    );
  });

  it('escapes an ampersand once and leaves other text, diacritics included, alone', () => {
    expect(escapeHtml('&amp; ă â î ș ț')).toBe('&amp;amp; ă â î ș ț');
    expect(escapeHtml('')).toBe('');
  });
});
