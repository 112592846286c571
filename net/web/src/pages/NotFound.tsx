export function NotFoundPage({ path }: { path: string }) {
  return (
    <main class="home" data-state="error">
      <div class="empty">
        <p class="empty-title">Page not found</p>
        <p class="muted">
          Nothing lives at <code>{path}</code>. <a href="/">Back to live channels</a>
        </p>
      </div>
    </main>
  );
}
