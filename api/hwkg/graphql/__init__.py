"""The GraphQL API: schema (strawberry types over the catalog), HTTP endpoint, GraphiQL."""
