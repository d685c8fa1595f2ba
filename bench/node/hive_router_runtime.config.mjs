// Hive Gateway with Hive Router's Rust query planner (@graphql-hive/router-runtime) for the
// router benchmark: the same `hive-gateway supergraph` command as the plain Hive peer, with
// this file as --config-path, so the two differ only in the unified graph handler.
import { unifiedGraphHandler } from "@graphql-hive/router-runtime";

export const gatewayConfig = { unifiedGraphHandler };
