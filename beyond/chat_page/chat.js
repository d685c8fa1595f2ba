// The chat page: sign in, list conversations with unread badges, open one, send and receive live.
"use strict";

const GRAPHQL = "/graphql";
const state = { token: null, me: null, socket: null, open: null, lastSeq: 0, stop: null };
const $ = (id) => document.getElementById(id);

async function graphql(query, variables = {}) {
  const headers = { "Content-Type": "application/json" };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const response = await fetch(GRAPHQL, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  return response.json();
}

async function data(query, variables) {
  const body = await graphql(query, variables);
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data;
}

function clientMessageId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

async function signIn(event) {
  event.preventDefault();
  $("sign-in-error").textContent = "";
  try {
    const { login } = await data(
      `mutation ChatLogin($mobile: String!, $password: String!) {
         login(mobile: $mobile, password: $password) { accessToken user { id nickname } } }`,
      { mobile: $("mobile").value.trim(), password: $("password").value });
    state.token = login.accessToken;
    state.me = login.user;
  } catch (error) {
    $("sign-in-error").textContent = error.message;
    return;
  }
  $("sign-in").hidden = true;
  $("chat").hidden = false;
  $("me").textContent = state.me.nickname;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  state.socket = new GraphQLSocket(`${scheme}://${location.host}${GRAPHQL}`, { authorization: `Bearer ${state.token}` });
  state.socket.subscribe("subscription ChatActivity { conversationActivity { kind conversationId } }", {}, {
    next: () => { refreshConversations(); refreshRedDot(); },
    error: (errors) => showStatus(errors[0].message),
    complete: () => {},
    closed: () => showStatus("The connection closed: reload the page to reconnect."),
  });
  await refreshConversations();
  if (await refreshRedDot()) followRedDot();
}

function showStatus(text) { $("status").textContent = text; }

function titleOf(conversation) {
  if (conversation.title) return conversation.title;
  const others = conversation.members.edges.map((e) => e.node).filter((u) => u.id !== state.me.id);
  return others.map((u) => u.nickname || `Member ${u.id}`).join(", ") || "Direct";
}

async function refreshConversations() {
  const { conversations } = await data(`query ChatConversations {
    conversations(first: 50) { edges { node { id kind title viewerUnreadCount
      members(first: 3) { edges { node { id nickname } } } } } } }`);
  const list = $("conversations");
  list.replaceChildren();
  for (const { node } of conversations.edges) {
    const item = document.createElement("li");
    item.dataset.id = node.id;
    item.className = node.id === state.open ? "open" : "";
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = titleOf(node);
    item.append(name);
    if (node.viewerUnreadCount > 0 && node.id !== state.open) {
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = String(node.viewerUnreadCount);
      item.append(badge);
    }
    item.onclick = () => openConversation(node.id, titleOf(node));
    list.append(item);
  }
}

// The message center's red dot, when the graph has the notifications subgraph's unreadCounts
// (without it the query fails validation and the dot stays hidden); kept live by
// unreadCountsChanged once the first read shows the graph has it.
function showRedDot(total) { $("red-dot").hidden = !(total > 0); }

async function refreshRedDot() {
  const body = await graphql("query ChatRedDot { unreadCounts { total } }");
  const counts = body.data && body.data.unreadCounts;
  showRedDot(counts ? counts.total : 0);
  return Boolean(counts);
}

function followRedDot() {
  state.socket.subscribe("subscription ChatRedDotLive { unreadCountsChanged { total } }", {}, {
    next: (payload) => { if (payload.data) showRedDot(payload.data.unreadCountsChanged.total); },
    error: () => {},
    complete: () => {},
    closed: () => {},
  });
}

function appendMessage(message) {
  if (message.seq <= state.lastSeq) return;
  state.lastSeq = message.seq;
  const item = document.createElement("li");
  item.dataset.seq = String(message.seq);
  const from = document.createElement("span");
  from.className = "from";
  from.textContent = message.sender.nickname || `Member ${message.sender.id}`;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = message.body;
  item.append(from, text);
  $("messages").append(item);
  item.scrollIntoView({ block: "end" });
}

async function markRead() {
  if (state.open && state.lastSeq > 0) {
    await graphql(`mutation ChatRead($c: ID!, $s: Int!) { markConversationRead(conversationId: $c, seq: $s) { id } }`,
      { c: state.open, s: state.lastSeq });
  }
}

async function openConversation(id, title) {
  if (state.stop) state.stop();
  state.open = id;
  state.lastSeq = 0;
  $("title").textContent = title;
  $("messages").replaceChildren();
  $("composer").hidden = false;
  showStatus("");
  const { conversation } = await data(`query ChatMessages($id: ID!) { conversation(id: $id) {
    messages(last: 50) { edges { node { seq body sender { id nickname } } } } } }`, { id });
  for (const { node } of conversation.messages.edges) appendMessage(node);
  state.stop = state.socket.subscribe(
    `subscription ChatMessages($c: ID!, $since: Int) {
       messageReceived(conversationId: $c, since: $since) { seq body sender { id nickname } } }`,
    { c: id, since: state.lastSeq },
    {
      next: (payload) => {
        if (payload.data && payload.data.messageReceived && state.open === id) {
          appendMessage(payload.data.messageReceived);
          markRead();
        }
      },
      error: (errors) => showStatus(errors[0].message),
      complete: () => {},
      closed: () => {},
    });
  await markRead();
  await refreshConversations();
}

async function send(event) {
  event.preventDefault();
  const body = $("body").value;
  if (!body.trim() || !state.open) return;
  const answer = await graphql(`mutation ChatSend($c: ID!, $k: String!, $b: String!) {
    sendMessage(conversationId: $c, clientMessageId: $k, body: $b) { seq } }`,
    { c: state.open, k: clientMessageId(), b: body });
  if (answer.errors) { showStatus(answer.errors[0].message); return; }
  $("body").value = "";
}

async function start(event) {
  event.preventDefault();
  try {
    const { startConversation } = await data(
      "mutation ChatStart($u: ID!) { startConversation(userId: $u) { id } }", { u: $("start-user").value.trim() });
    await refreshConversations();
    await openConversation(startConversation.id, "Direct");
  } catch (error) { showStatus(error.message); }
}

$("sign-in").addEventListener("submit", signIn);
$("composer").addEventListener("submit", send);
$("start").addEventListener("submit", start);
