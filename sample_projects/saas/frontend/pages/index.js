export default function Home() {
  return <main><h1>Acme SaaS</h1></main>;
}
