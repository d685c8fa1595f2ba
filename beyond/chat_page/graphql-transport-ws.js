// A small client of the graphql-transport-ws protocol (the graphql-ws library's):
// connection_init with the token, subscribe/next/error/complete, ping answered with pong.
"use strict";

class GraphQLSocket {
  constructor(url, connectionParams) {
    this.url = url;
    this.connectionParams = connectionParams;
    this.nextId = 1;
    this.sinks = new Map();
    this.ready = this.open();
  }

  open() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, "graphql-transport-ws");
      this.ws = ws;
      ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: this.connectionParams }));
      ws.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.type === "connection_ack") resolve();
        else if (message.type === "ping") ws.send(JSON.stringify({ type: "pong" }));
        else this.dispatch(message);
      };
      ws.onclose = (event) => {
        reject(new Error(`closed ${event.code} ${event.reason}`));
        for (const sink of this.sinks.values()) sink.closed(event);
        this.sinks.clear();
      };
    });
  }

  dispatch(message) {
    const sink = this.sinks.get(message.id);
    if (!sink) return;
    if (message.type === "next") sink.next(message.payload);
    else if (message.type === "error") { this.sinks.delete(message.id); sink.error(message.payload); }
    else if (message.type === "complete") { this.sinks.delete(message.id); sink.complete(); }
  }

  // sink: { next(payload), error(errors), complete(), closed(event) }; returns a stop function.
  subscribe(query, variables, sink) {
    const id = String(this.nextId++);
    this.sinks.set(id, sink);
    this.ready.then(() => {
      this.ws.send(JSON.stringify({ id, type: "subscribe", payload: { query, variables } }));
    }, (error) => sink.closed(error));
    return () => {
      if (this.sinks.delete(id) && this.ws.readyState === WebSocket.OPEN) {
        this.ws.send(JSON.stringify({ id, type: "complete" }));
      }
    };
  }

  close() { this.ws.close(1000, "Normal Closure"); }
}

window.GraphQLSocket = GraphQLSocket;
