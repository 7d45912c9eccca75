/**
 * One soak client: a browser's worth of HTTPS to nginx (its own keep-alive connections and
 * cookies), speaking to the console as a browser without JavaScript does: pages by GET, forms
 * posted back with their hidden action fields. Each request's route label, status, time and
 * moment are kept for the report.
 */
import https from 'node:https';
import { hiddenFields, multipart } from '@/bench/html-forms';
import { nowMs } from '@/bench/lib';

export interface Sample {
  route: string;
  status: number; // 0: no answer (connection refused or cut)
  ms: number;
  at: number; // ms since the run began, when the request started
}

export interface Answer {
  status: number;
  location: string | undefined;
  body: string;
}

export class Client {
  private cookies = new Map<string, string>();
  private agent: https.Agent;

  constructor(
    private port: number,
    private ca: Buffer,
    private started: number,
    private samples: Sample[],
  ) {
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 2, ca, servername: 'localhost' });
  }

  get origin() {
    return `https://localhost:${this.port}`;
  }

  forget() {
    this.cookies.clear();
  }

  async get(route: string, urlPath: string): Promise<Answer> {
    return this.send(route, 'GET', urlPath);
  }

  /** Posts the form holding `marker` on `page` back to it with `fields` added, as a browser without JavaScript does. */
  async submit(route: string, page: Answer & { path: string }, marker: string, fields: [string, string][]) {
    const { body, type } = multipart([...hiddenFields(page.body, marker), ...fields]);
    return this.send(route, 'POST', page.path, { body, type });
  }

  private send(route: string, method: string, urlPath: string, payload?: { body: Buffer; type: string }) {
    const at = Date.now() - this.started;
    const start = nowMs();
    return new Promise<Answer>((resolve, reject) => {
      const headers: Record<string, string | number> = {
        host: `localhost:${this.port}`,
        'accept-language': 'ja',
        accept: 'text/html',
      };
      if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      if (payload) {
        headers['content-type'] = payload.type;
        headers['content-length'] = payload.body.length;
        headers.origin = this.origin;
        headers['sec-fetch-site'] = 'same-origin';
      }
      const req = https.request(
        { host: '127.0.0.1', port: this.port, path: urlPath, method, agent: this.agent, headers, timeout: 60_000 },
        (res) => {
          for (const c of res.headers['set-cookie'] ?? []) {
            const [pair, ...attrs] = c.split(';');
            const eq = pair.indexOf('=');
            const name = pair.slice(0, eq).trim();
            const value = pair.slice(eq + 1).trim();
            const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /expires=thu, 01 jan 1970/i.test(a));
            if (gone || value === '') this.cookies.delete(name);
            else this.cookies.set(name, value);
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            this.samples.push({ route, status, ms: nowMs() - start, at });
            resolve({ status, location: res.headers.location, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (error) => {
            this.samples.push({ route, status: 0, ms: nowMs() - start, at });
            reject(error);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error) => {
        this.samples.push({ route, status: 0, ms: nowMs() - start, at });
        reject(error);
      });
      req.end(payload?.body);
    });
  }

  close() {
    this.agent.destroy();
  }
}
