import { render } from 'preact';
import { EngineBridge } from '../platform/engine-bridge';
import { App } from './app';
import './styles.css';

render(<App engine={new EngineBridge()} />, document.getElementById('app')!);
