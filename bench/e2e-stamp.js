// A pass-through in front of the stand-in for bench:e2e's rate scenario, in a process of its own:
// it stamps each POST to the Messages endpoint the moment it arrives and forwards every request
// unchanged. The stand-in also posts two delivery callbacks per message, so its own event loop
// runs late under load and its stamps bunch up; this process does nothing else, so its stamps
// are when the sends reached "Twilio". Asked over IPC { id, op: 'stamps' }, it answers the
// arrival times (ms) so far.
const http = require('node:http');

const target = new URL(process.env.STAND_IN_URL);
const agent = new http.Agent({ keepAlive: true });
const stamps = [];

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url.endsWith('/Messages.json')) stamps.push(Date.now());
  const upstream = http.request(
    { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.writeHead(502).end());
  req.pipe(upstream);
});
server.listen(0, '127.0.0.1', () => process.send({ url: `http://127.0.0.1:${server.address().port}` }));
process.on('message', ({ id, op }) => {
  if (op === 'stamps') process.send({ id, value: stamps });
});
process.on('disconnect', () => process.exit(0));
