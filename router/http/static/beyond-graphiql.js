// Beyond's GraphiQL page: the fetcher (HTTP and graphql-ws on the page's own
// path), the Authorization helper and the link to the last operation's plan
// (when the router exposes plans; otherwise a note saying they are off).
// Everything it uses is served by the router (see router/http/graphiql.py).
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("beyond-graphiql-config").textContent);
  const url = window.location.pathname;
  const socketUrl = (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + url;
  const TOKEN_KEY = "beyond.graphiql.accessToken";
  const planHeader = config.planHeader ? config.planHeader.toLowerCase() : null;
  let token = window.localStorage.getItem(TOKEN_KEY) || "";
  let planUrl = null;

  function authorization() {
    return token ? { authorization: "Bearer " + token } : {};
  }

  // Ask for the plan of the user's operations (not GraphiQL's introspection),
  // unless plans are off or the Headers tab already asks, and keep it off the result pane.
  async function fetchWithPlan(input, init) {
    const headers = Object.assign({}, init && init.headers);
    const introspection = JSON.parse(init.body).operationName === "IntrospectionQuery";
    const asked = !planHeader || introspection
      || Object.keys(headers).some((name) => name.toLowerCase() === planHeader);
    if (!asked) headers[config.planHeader] = "true";
    // The router delivers @defer as Apollo Router does: it needs the deferSpec parameter.
    if (headers.accept === "application/json, multipart/mixed") {
      headers.accept = "multipart/mixed;deferSpec=20220824, application/json";
    }
    const response = await window.fetch(input, Object.assign({}, init, { headers }));
    const type = response.headers.get("content-type") || "";
    if (asked || !type.includes("json")) return response;
    const body = await response.json();
    if (body.extensions && typeof body.extensions.queryPlan === "string") {
      showPlan(body.extensions.queryPlan);
      delete body.extensions.queryPlan;
      if (Object.keys(body.extensions).length === 0) delete body.extensions;
    }
    return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
  }

  let socket = null;
  let fetchOne = null;
  function connect() {
    if (socket) socket.dispose();
    socket = graphqlWs.createClient({ url: socketUrl, lazy: true, connectionParams: authorization });
    fetchOne = GraphiQL.createFetcher({ url, wsClient: socket, fetch: fetchWithPlan });
  }
  connect();
  // The operation as sent: GraphiQL's own parse lags behind fast typing, and a
  // stale one would send a just-typed subscription over HTTP.
  function parsed(query, fallback) {
    try {
      return GraphiQL.GraphQL.parse(query);
    } catch (error) {
      return fallback;
    }
  }
  // Headers typed into GraphiQL's Headers tab win over the helper's token.
  function fetcher(params, options) {
    const headers = Object.assign(authorization(), options && options.headers);
    const documentAST = parsed(params.query, options && options.documentAST);
    return fetchOne(params, Object.assign({}, options, { headers, documentAST }));
  }

  const bar = document.getElementById("beyond-bar");
  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.assign(node, attributes);
    if (text) node.textContent = text;
    bar.appendChild(node);
    return node;
  }
  element("label", { htmlFor: "beyond-token" }, "Authorization: Bearer");
  const input = element("input", { id: "beyond-token", placeholder: "paste an access token", value: token });
  const use = element("button", { id: "beyond-use-token", type: "button" }, "Use token");
  const clear = element("button", { id: "beyond-clear-token", type: "button" }, "Sign out");
  const signIn = config.signIn
    ? element("button", { id: "beyond-demo-sign-in", type: "button" },
        "Sign in as " + config.signIn.nickname + " (demo)")
    : null;
  const status = element("span", { id: "beyond-auth-status", className: "beyond-status" });
  const plan = planHeader
    ? element("a", { id: "beyond-plan", target: "_blank", rel: "noopener" },
        "Query plan of the last operation")
    : element("span", { id: "beyond-plan-off", className: "beyond-status" },
        "Query plans are off on this router ([router] expose_query_plan; "
        + "'beyond router explain' prints one).");
  plan.setAttribute("aria-disabled", "true");

  function setToken(value, who) {
    token = value.trim();
    input.value = token;
    if (token) window.localStorage.setItem(TOKEN_KEY, token);
    else window.localStorage.removeItem(TOKEN_KEY);
    status.textContent = token ? "Signed in" + (who ? " as " + who : "") + ": requests carry the token." : "Anonymous.";
    connect();
  }

  function showPlan(text) {
    if (planUrl) URL.revokeObjectURL(planUrl);
    planUrl = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    plan.href = planUrl;
    plan.setAttribute("aria-disabled", "false");
  }

  use.addEventListener("click", () => setToken(input.value));
  clear.addEventListener("click", () => setToken(""));
  if (signIn) {
    signIn.addEventListener("click", async () => {
      status.textContent = "Signing in…";
      const response = await window.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({
          query: config.signIn.query,
          variables: { mobile: config.signIn.mobile, password: config.signIn.password },
        }),
      });
      const body = await response.json();
      const login = body.data && body.data.login;
      if (login) setToken(login.accessToken, login.user.nickname);
      else status.textContent = (body.errors || [{ message: "Sign-in failed." }])[0].message
        + " (start the graph with 'beyond dev --seed' for the demo accounts)";
    });
  }
  status.textContent = token ? "Signed in: requests carry the token." : "Anonymous.";

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultTabs: config.tabs,
      defaultEditorToolsVisibility: true,
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    }),
  );
})();
