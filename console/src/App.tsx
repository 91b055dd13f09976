import { PAGES } from './pages/index.ts';
import { Link, matchPath, navigate, useLocation, useTitle } from './router.tsx';
import { SessionProvider, useSession } from './session.tsx';

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

/** The navigation, who is logged in, and the page the path names. */
function Shell() {
  const { path, query } = useLocation();
  const { who, logOut } = useSession();
  if (path === '/') {
    navigate('/keys', { replace: true });
    return null;
  }
  const found = PAGES.map((page) => ({ page, params: matchPath(page.path, path) })).find((m) => m.params !== null);
  return (
    <>
      <a className="skip" href="#content">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Keywarden</span>
        <nav aria-label="Main">
          <ul>
            {PAGES.filter((page) => page.nav).map((page) => (
              <li key={page.path}>
                <Link to={page.path} aria-current={path === page.path || path.startsWith(`${page.path}/`) ? 'page' : undefined}>
                  {page.nav}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">
          {who.me.name} · {who.tenant?.name}
        </span>
        <button type="button" onClick={() => void logOut()}>
          Log out
        </button>
      </header>
      <div id="content">{found ? <found.page.component params={found.params!} query={query} /> : <NotFound />}</div>
    </>
  );
}

function NotFound() {
  useTitle('Not found');
  return (
    <main>
      <h1>Not found</h1>
      <p>
        There is no such page. <Link to="/keys">Go to the keys.</Link>
      </p>
    </main>
  );
}
