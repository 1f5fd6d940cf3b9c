import * as Comlink from 'comlink';
import { createEngineService } from './engine-service';

/** The engine worker: nothing but the service, exposed to the page (src/platform/engine-bridge.ts). */
Comlink.expose(createEngineService());
