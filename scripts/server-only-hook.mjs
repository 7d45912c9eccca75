// Outside Next's bundler, `server-only` would throw on import; the CLIs and the server entry are
// server code by definition, so it resolves to an empty module here.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'server-only') return { url: 'data:text/javascript,export {};', shortCircuit: true };
  return nextResolve(specifier, context);
}
