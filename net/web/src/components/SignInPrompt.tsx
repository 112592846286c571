/** What a signed-in-only page shows to visitors (and to the admin token, which has no account). */
export function SignInPrompt({ title, what }: { title: string; what: string }) {
  return (
    <main class="home social-page">
      <div class="empty" id="signin-required">
        <p class="empty-title">{title}</p>
        <p class="muted">
          <a href="/login">Log in</a> or <a href="/signup">sign up</a> {what}.
        </p>
      </div>
    </main>
  );
}
