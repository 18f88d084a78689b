import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** What to show instead of the page once it has thrown; `retry` renders it again. */
  fallback: (error: Error, retry: () => void) => ReactNode;
  children: ReactNode;
}

interface State {
  error: Error | null;
}

/** Keeps a plugin page's failure inside the page: the rest of the admin goes on working. */
export class PluginPageBoundary extends Component<Props, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('plugin page failed', error, info.componentStack);
  }

  private retry = () => this.setState({ error: null });

  render(): ReactNode {
    return this.state.error ? this.props.fallback(this.state.error, this.retry) : this.props.children;
  }
}
