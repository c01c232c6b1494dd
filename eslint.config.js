// Lint rules: typescript-eslint's recommended set, plus the few house rules from STYLE.md that a linter can check.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    // Determinism: core, domain, risk, indicators, engine and the simulated venue never read the wall clock or randomness.
    files: ['src/core/**', 'src/domain/**', 'src/risk/**', 'src/indicators/**', 'src/engine/**', 'src/venues/simulated/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Inject a Clock instead (STYLE.md: no Date.now in core/domain/engine).' },
        { object: 'Math', property: 'random', message: 'Use the seeded random source from the context.' },
      ],
    },
  },
);
