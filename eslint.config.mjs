import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        __dirname: 'readonly',
        module: 'writable',
        require: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        performance: 'readonly',
        setImmediate: 'readonly',
        URLSearchParams: 'readonly',
        AbortController: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        Response: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // process.env is read in one place only: src/config.ts.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/config.ts' },
      ],
    },
  },
  {
    // No job waits for another job: a processor does its work in its own turn.
    files: ['src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'bullmq', importNames: ['QueueEvents'], message: 'No job waits for another job' }] },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/config.ts' },
        { property: 'waitUntilFinished', message: 'No job waits for another job' },
      ],
    },
  },
  {
    // The conversation machine is pure: (state, input, context) -> (next state, effects). It may
    // import other pure code (its own files, preferences' schemas, stations, journey parsing),
    // never I/O; the runtime that applies its effects lives in src/conversation-runtime.
    files: ['src/conversation/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'bullmq', importNames: ['QueueEvents'], message: 'No job waits for another job' }],
          patterns: [
            {
              regex: '^(?!\\./|\\.\\./(preferences/registry|stations/|journeys/|phone)).*',
              message: 'src/conversation is pure: it imports only its own files and other pure modules',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/config.ts', 'tests/**', 'bench/**', 'scripts/**', 'jest.config.js'],
    rules: { 'no-restricted-properties': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
