export { seedIfEmpty } from "./demo";
