// A schema built on first use instead of at import. zod builds every schema object when its module loads (a few µs to
// tens of µs each, hundreds of them): a function imports far more schemas than its invocations touch, and paid for all
// of them in its cold start. The proxy stands for the schema everywhere (parse, nesting inside other schemas, z.infer);
// the schema is built the first time anything reads it, so each function builds only the ones it uses.
export function onFirstUse<T extends object>(build: () => T): T {
  let built: T | undefined;
  const real = (): T => {
    built ??= build();
    return built;
  };
  return new Proxy(Object.create(null) as T, {
    get: (_, key) => Reflect.get(real(), key),
    has: (_, key) => Reflect.has(real(), key),
    set: (_, key, value) => Reflect.set(real(), key, value),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (shell, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // A proxy may report a non-configurable property only if its own target has it too.
      if (descriptor && !descriptor.configurable) Reflect.defineProperty(shell, key, descriptor);
      return descriptor;
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
  });
}
