// Starts Blazor with its circuit on a WebSocket opened without the negotiate request first: one connection, so a
// balancer that is not sticky (the AppHost's proxy in front of several Web replicas) keeps it on one instance.
// A reconnect that lands on an instance without the circuit is refused, and the page reloads with fresh state.
Blazor.start({
  circuit: {
    configureSignalR: builder => builder.withUrl("_blazor", { skipNegotiation: true, transport: 1 /* WebSockets */ }),
  },
});
