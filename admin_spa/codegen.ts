import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

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
        // Every operation is also written to src/gql/persisted-documents.json under the id
        // `sha256:<hex of its text>`; the build ships that file and the API registers it at
        // start-up. Each document carries its id as `__meta__.documentId`, and the client
        // (src/api/client.ts) sends only that id and the variables.
        persistedDocuments: {
          hashAlgorithm: 'sha256',
          hashPropertyName: 'documentId',
        },
      },
      // urql's document cache refreshes queries by the __typename of what a mutation returns,
      // so every selection asks for it in the registered text itself.
      documentTransforms: [addTypenameSelectionDocumentTransform],
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
