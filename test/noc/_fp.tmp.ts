import { Mesh } from "../../hw/noc/mesh.ts";
import { DEFAULT_ROUTER } from "../../hw/noc/params.ts";
const m = new Mesh(null, "top", { width: 2, height: 2, router: DEFAULT_ROUTER });
const r = m.routers[0]![0]!;
// @ts-ignore
console.log("router fast:", eval("%HasFastProperties(r)"), "ni fast:", eval("%HasFastProperties(m.nis[0][0])"), "keys", Object.keys(r).length);
