import type { CodegenConfig } from '@graphql-codegen/cli';

// The backend's committed SDL is the source of truth (a test keeps it equal to the code).
// npm runs scripts from the package folder, so the path is relative to admin_spa/.
const schema = '../schema/schema.graphql';

const config: CodegenConfig = {
  schema,
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
      },
      config: {
        strictScalars: true,
        scalars: {
          Date: 'string',
          DateTime: 'string',
          JSON: 'unknown',
          Long: 'number',
        },
        enumsAsTypes: true,
        useTypeImports: true,
        onlyOperationTypes: true,
      },
    },
  },
};

export default config;
