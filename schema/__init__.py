"""The GraphQL face: strawberry types, inputs, enums, errors, loaders and the typed context."""
