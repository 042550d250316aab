import { ByteTemplate } from './byte-template.js';

/** Bounded cache of rendered replies; the oldest entry goes first when full. */
export class ReplyCache {
  private readonly templates = new Map<string, ByteTemplate>();

  constructor(private readonly capacity: number) {}

  get(key: string, build: () => string): ByteTemplate {
    let template = this.templates.get(key);
    if (template === undefined) {
      template = new ByteTemplate(build());
      if (this.templates.size >= this.capacity) {
        const oldest = this.templates.keys().next().value;
        if (oldest !== undefined) this.templates.delete(oldest);
      }
      this.templates.set(key, template);
    }
    return template;
  }
}
