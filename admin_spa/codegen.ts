import { existsSync } from 'node:fs';
import type { CodegenConfig } from '@graphql-codegen/cli';

// The backend's committed SDL is the source of truth; the draft only stands in until it exists.
// npm runs scripts from the package folder, so these paths are relative to admin_spa/.
const committedSchema = '../schema/schema.graphql';
const draftSchema = './schema.draft.graphql';
const schema = existsSync(committedSchema) ? committedSchema : draftSchema;

console.log(`codegen: schema ${schema}`);

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
