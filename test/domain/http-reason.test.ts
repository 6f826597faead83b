import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeResponseCode, httpReasonPhrase } from '../../src/domain/http-reason.ts';

describe('HTTP reason phrases', () => {
  it('knows the common phrases', () => {
    assert.equal(httpReasonPhrase(200), 'OK');
    assert.equal(httpReasonPhrase(404), 'Not Found');
    assert.equal(httpReasonPhrase(502), 'Bad Gateway');
    assert.equal(httpReasonPhrase(504), 'Gateway Timeout');
  });

  it('returns null for unregistered codes', () => {
    assert.equal(httpReasonPhrase(599), null);
  });

  it('describes a code with its phrase, a bare number when unknown, and the absence of a response', () => {
    assert.equal(describeResponseCode(502), '502 Bad Gateway');
    assert.equal(describeResponseCode(599), '599');
    assert.equal(describeResponseCode(null), 'No response');
  });
});
