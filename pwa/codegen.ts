import type { CodegenConfig } from '@graphql-codegen/cli';

// Operations are typed from the committed SDL, the contract with the server.
const config: CodegenConfig = {
  schema: '../api/schema.graphql',
  documents: ['src/**/*.ts', 'src/**/*.tsx', '!src/graphql/gen/**'],
  ignoreNoDocuments: false,
  generates: {
    'src/graphql/gen/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          DateTime: 'string',
          NaiveDate: 'string',
          JSON: 'unknown',
          Upload: 'File',
        },
      },
    },
  },
};

export default config;
