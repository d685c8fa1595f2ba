"""The GraphiQL page served on ``GET /graphql`` to browsers (``Accept: text/html``).

Queries and mutations go over HTTP to the same path; subscriptions go over a
WebSocket (graphql-transport-ws, which GraphiQL's bundle speaks) to it.
"""

from __future__ import annotations

GRAPHIQL_HTML = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Beyond · GraphiQL</title>
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
  <link rel="stylesheet" href="https://unpkg.com/graphiql@3/graphiql.min.css">
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script crossorigin src="https://unpkg.com/react@18/umd/react.production.min.js"></script>
  <script crossorigin src="https://unpkg.com/react-dom@18/umd/react-dom.production.min.js"></script>
  <script crossorigin src="https://unpkg.com/graphiql@3/graphiql.min.js"></script>
  <script>
    const url = window.location.pathname;
    const socket = (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host;
    const fetcher = GraphiQL.createFetcher({ url, subscriptionUrl: socket + url });
    ReactDOM.createRoot(document.getElementById("graphiql"))
      .render(React.createElement(GraphiQL, { fetcher }));
  </script>
</body>
</html>
"""
