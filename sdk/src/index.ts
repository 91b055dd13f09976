// The Keywarden SDK: a typed client over the management API, generated from schema.graphql.
// Its client, resource methods and errors arrive with the SDK work; for now it names the package.
export const SDK_NAME = '@keywarden/sdk';
