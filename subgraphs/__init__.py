"""Domain subgraphs: one Strawberry subgraph, service layer and database per domain."""
