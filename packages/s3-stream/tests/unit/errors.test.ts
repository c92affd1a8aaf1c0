import {
  ConfigError,
  InputTooLargeError,
  ObjectGoneError,
  PermanentError,
  PipelineError,
  ReadInterruptedError,
  TransientError,
  UnsupportedEventError,
  toPipelineError,
} from '../../src/errors';
import { connectionReset, s3Error } from '@s3-pipelines/testing';

describe('toPipelineError', () => {
  it.each([
    ['AccessDenied', 403],
    ['NoSuchKey', 404],
    ['NoSuchBucket', 404],
    ['InvalidRequest', 400],
    ['InvalidArgument', 400],
    ['InvalidObjectState', 403],
    ['MethodNotAllowed', 405],
  ])('classifies %s (%i) as permanent', (name, status) => {
    // Prepare
    const error = s3Error(name, status);

    // Act
    const classified = toPipelineError(error, 'GET key');

    // Assess
    expect(classified).toBeInstanceOf(PermanentError);
    expect(classified.retryable).toBe(false);
    expect(classified.cause).toBe(error);
    expect(classified.message).toBe(`GET key: ${name}: ${name} (${status})`);
  });

  it.each([
    ['InternalError', 500],
    ['ServiceUnavailable', 503],
    ['SlowDown', 503],
    ['TooManyRequests', 429],
    ['RequestTimeout', 400],
    ['ThrottlingException', 400],
    ['BadGateway', 502],
  ])('classifies %s (%i) as transient', (name, status) => {
    // Prepare
    const error = s3Error(name, status);

    // Act
    const classified = toPipelineError(error, 'GET key');

    // Assess
    expect(classified).toBeInstanceOf(TransientError);
    expect(classified.retryable).toBe(true);
    expect(classified.cause).toBe(error);
  });

  it('classifies SlowDown without a status as transient', () => {
    // Prepare
    const error = Object.assign(new Error('Please reduce your request rate.'), {
      name: 'SlowDown',
    });

    // Act
    const classified = toPipelineError(error, 'PUT key');

    // Assess
    expect(classified.retryable).toBe(true);
  });

  it('classifies AccessDenied without a status as permanent', () => {
    // Prepare
    const error = Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });

    // Act
    const classified = toPipelineError(error, 'PUT key');

    // Assess
    expect(classified.retryable).toBe(false);
  });

  it('classifies a connection reset that never got an HTTP answer as transient', () => {
    // Prepare
    const error = connectionReset();

    // Act
    const classified = toPipelineError(error, 'GET key');

    // Assess
    expect(classified).toBeInstanceOf(TransientError);
    expect(classified.message).toBe('GET key: Error: read ECONNRESET');
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'boom'],
  ])('classifies %s thrown as transient without crashing', (_label, thrown) => {
    // Act
    const classified = toPipelineError(thrown, 'ctx');

    // Assess
    expect(classified).toBeInstanceOf(TransientError);
    expect(classified.message).toBe('ctx: Error');
  });

  it.each([
    new PermanentError('bad input'),
    new TransientError('flaky'),
    new ObjectGoneError('k', 404),
    new ReadInterruptedError('k', 10, 6, new Error('x')),
    new InputTooLargeError('k', 10, 5),
    new UnsupportedEventError('thing'),
  ])('keeps our own $name as it is', (error) => {
    // Act
    const classified = toPipelineError(error, 'ctx');

    // Assess
    expect(classified).toBe(error);
  });
});

describe('error classes', () => {
  it.each([
    [new PermanentError('m'), 'PermanentError', false],
    [new TransientError('m'), 'TransientError', true],
    [new UnsupportedEventError('m'), 'UnsupportedEventError', false],
    [new ConfigError('m'), 'ConfigError', false],
    [new ObjectGoneError('k', 404), 'ObjectGoneError', false],
    [new ReadInterruptedError('k', 1, 2, undefined), 'ReadInterruptedError', true],
    [new InputTooLargeError('k', 2, 1), 'InputTooLargeError', false],
  ])('%s has name %s and retryable %s', (error, name, retryable) => {
    // Assess
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.name).toBe(name);
    expect(error.retryable).toBe(retryable);
  });

  it('says whether an object was deleted or replaced', () => {
    // Act
    const deleted = new ObjectGoneError('a.txt', 404);
    const replaced = new ObjectGoneError('a.txt', 412);

    // Assess
    expect(deleted.message).toBe('a.txt was deleted before it could be read');
    expect(replaced.message).toBe('a.txt was replaced before it could be read');
    expect(replaced.status).toBe(412);
  });
});
