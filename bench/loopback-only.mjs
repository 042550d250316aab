// Preload (`node --import`) for third-party servers that call listen(port) without a host:
// binds them to 127.0.0.1 instead of every interface, since the bench runs on loopback only.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, process.env.BENCH_BIND_HOST || '127.0.0.1');
  } else if (args[0] && typeof args[0] === 'object' && !args[0].path && args[0].host === undefined) {
    args[0] = { ...args[0], host: process.env.BENCH_BIND_HOST || '127.0.0.1' };
  }
  return listen.apply(this, args);
};
